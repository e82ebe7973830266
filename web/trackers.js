// Written by `make site` from jaqe/privacy/trackers.py (the cookie register): edit that, not this file.
export const TRACKERS = {
  "analytics": {
    "tags": [
      "https://www.googletagmanager.com/gtag/js?id=G-JAQE"
    ],
    "cookies": [
      "_ga",
      "_ga_*",
      "_gid"
    ]
  },
  "advertising": {
    "tags": [
      "https://connect.facebook.net/fr_FR/fbevents.js"
    ],
    "cookies": [
      "_gcl_au",
      "_fbp",
      "_fbc"
    ]
  }
};
