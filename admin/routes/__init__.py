"""The panel's pages, one module per area; each router comes from `admin.access.panel_router`."""
