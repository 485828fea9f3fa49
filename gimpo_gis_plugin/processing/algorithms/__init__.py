"""One Processing algorithm per module; the provider discovers every GimpoAlgorithm subclass here."""
