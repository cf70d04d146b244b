"""约谈 and 督办: records, reasons chosen from the records, commitments, follow-up (DOMAIN §6)."""
