"""S3: the protocol edge (:mod:`.api` and its ``ops_*`` handlers) over the domain (store, objects,
multipart, listing, copy rules)."""
