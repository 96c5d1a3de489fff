"""The planning engine: pure numerics on economies (numpy, scipy.sparse; no files, no printing)."""
