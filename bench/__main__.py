"""`make bench`: run every benchmark and print its figures."""

from bench import burst, ingest, reliability

if __name__ == "__main__":
    ingest.main()
    burst.main()
    reliability.main()
