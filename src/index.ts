// Public API. Each area appends its own exports here.
