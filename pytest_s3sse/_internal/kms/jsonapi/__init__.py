"""The KMS protocol edge (awsJson1_1): HTTP in, typed calls to the KMS service, JSON out."""
