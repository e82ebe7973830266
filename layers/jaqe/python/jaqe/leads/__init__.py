"""Quote requests (leads), matching them with professionals, and partner sites' leads and exports."""
