"""Build scripts for "The DeepSeek Shock, Checked": data snapshot → analysis → charts, tables, pages."""
