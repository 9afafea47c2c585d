"""The review desk (审签工作台): a web application where reviewers read, proofread and sign pages."""
