"""The Punch-in endpoint: PunchOutSetupRequest in, draft requisition and StartPage out."""
