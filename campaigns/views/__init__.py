"""The campaigns app's views, one module per part: campaigns, work (activities, tasks, reports), exports, summary."""
