"""`extract`: run extraction with no database and print the result."""
