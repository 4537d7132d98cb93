"""Where things are: geocoding addresses (with an offline fallback) and travel estimates between them."""
