"""What the DPO shows an inspector: the monthly report (rights requests, consents, the breach
register, retention health, processors' reviews), read from the other capabilities' indexes."""
