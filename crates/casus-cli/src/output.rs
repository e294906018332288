//! Where results go. An output path is checked before any work is done (a
//! directory, a device or a missing directory fails in a second, not after the
//! computation); `-` means standard output; a symbolic link is written through
//! to its target, never replaced; a file is replaced atomically (a temporary file
//! in the target's directory, flushed to disk, renamed over it), so an
//! interrupted run leaves the old file or the new one, never half of one. Errors
//! name the path the user gave, never the temporary file.

use anyhow::{Result, bail};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// A checked output destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    Stdout,
    /// `shown` is the user's path (for messages), `target` the regular file
    /// it names after following symbolic links.
    File {
        shown: PathBuf,
        target: PathBuf,
    },
}

/// How many symbolic links are followed before giving up (as Linux's ELOOP).
const MAX_LINKS: usize = 40;

/// The file a path names after following symbolic links, also dangling ones
/// (writing through a dangling link creates its target, as `>` in a shell does).
fn follow(path: &Path) -> Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = std::fs::read_link(&p)?;
                p = if to.is_absolute() {
                    to
                } else {
                    p.parent().unwrap_or(Path::new(".")).join(to)
                };
            }
            _ => return Ok(p),
        }
    }
    bail!(
        "cannot write `{}`: too many levels of symbolic links",
        path.display()
    )
}

impl Output {
    /// Check `path` as an output before computing anything.
    pub fn check(path: &Path) -> Result<Output> {
        if path.as_os_str() == "-" {
            return Ok(Output::Stdout);
        }
        let shown = path.to_path_buf();
        let target = follow(path)?;
        let name = shown.display();
        match std::fs::metadata(&target) {
            Ok(m) if m.is_dir() => bail!(
                "cannot write `{name}`: it is a directory\n  help: give a file name, e.g. `{}`",
                Path::new(path).join("out.txt").display()
            ),
            Ok(m) if !m.is_file() => bail!(
                "cannot write `{name}`: it is not a regular file (a device, pipe or socket), and casus replaces outputs whole\n  help: give a file name, or `-o -` for standard output (and redirect it where you like)"
            ),
            _ => {}
        }
        let dir = parent(&target);
        match std::fs::metadata(dir) {
            Ok(m) if m.is_dir() => {}
            _ => bail!(
                "cannot write `{name}`: the directory `{}` does not exist\n  help: create it first, or give another path",
                dir.display()
            ),
        }
        // Fail now, not after the computation, if the directory is not writable.
        let probe = temp_name(&target);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&probe)
        {
            Ok(_) => {
                let _ = std::fs::remove_file(&probe);
            }
            Err(e) => bail!("cannot write `{name}`: {e}"),
        }
        Ok(Output::File { shown, target })
    }

    /// Write `text` whole.
    pub fn write(&self, text: &str) -> Result<()> {
        self.write_bytes(text.as_bytes())
    }

    /// Write `bytes` whole (a binary format such as Parquet).
    pub fn write_bytes(&self, bytes: &[u8]) -> Result<()> {
        match self {
            Output::Stdout => {
                let mut out = std::io::stdout().lock();
                // A closed pipe (`casus run … | head`) is not an error worth a message.
                match out.write_all(bytes).and_then(|_| out.flush()) {
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                    Err(e) => bail!("cannot write to standard output: {e}"),
                    Ok(()) => Ok(()),
                }
            }
            Output::File { shown, target } => {
                let tmp = temp_name(target);
                let r = replace(target, &tmp, bytes);
                if let Err(e) = r {
                    let _ = std::fs::remove_file(&tmp);
                    bail!("cannot write `{}`: {e}", shown.display());
                }
                Ok(())
            }
        }
    }
}

fn parent(target: &Path) -> &Path {
    target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn temp_name(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    parent(target).join(format!(".{name}.casus-tmp-{}", std::process::id()))
}

fn replace(target: &Path, tmp: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(tmp)?;
    f.write_all(bytes)?;
    // Keep the permissions of the file being replaced.
    if let Ok(m) = std::fs::metadata(target) {
        f.set_permissions(m.permissions())?;
    }
    f.sync_all()?;
    drop(f);
    std::fs::rename(tmp, target)?;
    // The rename is durable once the directory is synced (best effort: not
    // every platform lets a directory be opened).
    if let Ok(d) = std::fs::File::open(parent(target)) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Check `path` if given (before computing), so a bad output fails early.
pub fn check_all(paths: &[Option<&PathBuf>]) -> Result<()> {
    for p in paths.iter().flatten() {
        Output::check(p)?;
    }
    Ok(())
}

/// Write `text` to `path` (checked again: the file system may have changed
/// during the computation).
pub fn write_to(path: &Path, text: &str) -> Result<()> {
    Output::check(path)?.write(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "casus-output-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn a_dash_is_standard_output() {
        assert_eq!(Output::check(Path::new("-")).unwrap(), Output::Stdout);
    }

    #[test]
    fn a_directory_and_a_missing_directory_are_refused_by_the_users_name() {
        let d = dir();
        let e = Output::check(&d).unwrap_err().to_string();
        assert!(e.contains("is a directory") && e.contains(&d.display().to_string()));
        let e = Output::check(&d.join("no/such/x.json"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("does not exist"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_refused_and_left_alone() {
        let e = Output::check(Path::new("/dev/null"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a regular file"), "{e}");
        use std::os::unix::fs::FileTypeExt as _;
        let m = std::fs::metadata("/dev/null").unwrap();
        assert!(m.file_type().is_char_device());
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_is_written_through_to_its_target() {
        let d = dir();
        let target = d.join("real.txt");
        std::fs::write(&target, "old").unwrap();
        let link = d.join("link.txt");
        std::os::unix::fs::symlink("real.txt", &link).unwrap();
        write_to(&link, "new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        // A dangling link creates its target.
        let dangling = d.join("dangling.txt");
        std::os::unix::fs::symlink("made.txt", &dangling).unwrap();
        write_to(&dangling, "x").unwrap();
        assert_eq!(std::fs::read_to_string(d.join("made.txt")).unwrap(), "x");
        let leftovers: Vec<_> = std::fs::read_dir(&d)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains("casus-tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}
