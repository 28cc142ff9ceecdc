"""One writer per format, each ``write(document, stream)`` into a binary stream."""
