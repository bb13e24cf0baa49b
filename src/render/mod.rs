//! Drawing (filled in next).
