"""Pure analysis: functions of (data, facts, as_of) with no I/O."""
