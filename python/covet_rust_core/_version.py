# The package version. It must equal Cargo.toml's (the extension's __version__);
# the detector refuses an extension of another version as a stale build.
__version__ = "0.1.0"
