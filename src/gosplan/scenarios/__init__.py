"""The boundary: files, tables and other packages' objects in, validated core objects out."""
