"""Product images: upload, checks and re-encoding, thumbnails, primary image, order, delivery."""
