"""Mail: messages are queued in the outbox table; `flask send-mail` delivers them."""
