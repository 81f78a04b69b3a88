// Placeholder: replaced by the chip-profile work.
