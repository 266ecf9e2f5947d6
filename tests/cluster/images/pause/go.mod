module taskora.local/pause

go 1.24.0
