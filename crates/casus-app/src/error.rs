//! What can go wrong in a use case, as one error type every front end can map
//! to its own form (an exit code and a message, a Python exception, a 4xx).

use casus_data::LoadError;
use casus_model::analysis::AnalysisError;

/// The error of a use case.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input text that failed to load or validate: the located problems
    /// (file:line:col, what to do), to be shown as they are.
    #[error("{0}")]
    Input(LoadError),
    /// The scenario is valid text but the treaty cannot be applied to it.
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
    /// A request that names something the input does not have, or asks for
    /// something the use case cannot do; the message says what to do instead.
    #[error("{0}")]
    Request(String),
    /// The worker threads could not be started.
    #[error("cannot start the worker threads")]
    Threads(#[source] rayon::ThreadPoolBuildError),
    /// A model computation refused its input (a case the model cannot predict).
    #[error("{0}")]
    Model(String),
    /// The front end asked a long use case to stop (its checkpoint sink
    /// returned an error); the finished work is in the last checkpoint.
    #[error("{0}")]
    Stopped(String),
}

impl From<LoadError> for Error {
    fn from(e: LoadError) -> Error {
        Error::Input(e)
    }
}

impl From<rayon::ThreadPoolBuildError> for Error {
    fn from(e: rayon::ThreadPoolBuildError) -> Error {
        Error::Threads(e)
    }
}
