"""Work centers, calendars, routings, work orders and the scheduler arrive with the planning issue."""
