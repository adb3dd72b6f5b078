//! `connectwise-mock`: a spec-driven fake ConnectWise Manage server (work in progress).
