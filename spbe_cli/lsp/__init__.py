"""The spbe language server: live checks, completion, hover and go-to-definition in editors."""
