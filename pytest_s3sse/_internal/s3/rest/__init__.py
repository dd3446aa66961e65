"""The S3 protocol edge: HTTP in, typed requests to the S3 domain, HTTP out (routing, headers, XML)."""
