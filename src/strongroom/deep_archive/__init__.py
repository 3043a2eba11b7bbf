"""Cold archive (seed 004): many small S3 objects packed into ZIP archives in Glacier Deep Archive.

Every object is catalogued with its archive and byte offset, so one file can be restored later
with a single ranged read of its archive, without unpacking the rest.
"""
