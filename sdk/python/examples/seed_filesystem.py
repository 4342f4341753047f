# Filesystem controller configuration
from openshell import FilesystemController, AccessRule
fs_controller = FilesystemController(
    workspace="/agent/workspace",
    rules=[
        # Read-only access to the knowledge base
        AccessRule(
            path="/data/knowledge-base",
            permissions="read",
            allowed_extensions=[".md", ".txt", ".json", ".pdf"],
        ),
        # Read-write access to the workspace
        AccessRule(
            path="/agent/workspace",
            permissions="read-write",
            allowed_extensions=[".py", ".json", ".csv", ".txt", ".md"],
            max_file_size_mb=50,
            max_total_size_mb=500,
            block_symlinks=True,
        ),
        # Write-only access to the output directory
        AccessRule(
            path="/agent/output",
            permissions="write",
            allowed_extensions=[".json", ".csv", ".pdf"],
            max_file_size_mb=100,
        ),
    ],
    # Prevent path traversal attacks
    strict_path_validation=True,
    # Log all file operations for audit
    audit_all_operations=True,
)
