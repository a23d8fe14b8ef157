# No shell history on disk: what an admin typed must not outlive the session.
unset HISTFILE
