"""`make bench`: run every benchmark and print its figures."""

from bench import ingest

if __name__ == "__main__":
    ingest.main()
