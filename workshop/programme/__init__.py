"""Public programme and agenda pages."""
