"""Bounds shared by the API's query parameters."""

#: The largest ``offset`` a list endpoint accepts: far beyond any list, and far from the 64-bit
#: integers where ``offset + limit`` overflows in the database (found by the schema fuzzer).
MAX_OFFSET = 1_000_000_000
