"""The native extension held against the pure-Python twin across domains: the exported
names, the differential fuzz harness, the documented limits, threads and the soak."""
