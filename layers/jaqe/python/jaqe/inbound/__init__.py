"""What reaches JAQE unasked: inbound email (parsed, classified, routed to a rights request, a
contact message or an unsubscribe), the contact form, and SES bounce / complaint notifications."""
