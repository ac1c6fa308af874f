"""One model of a strategy file, built in one traversal and asked by every later stage."""
