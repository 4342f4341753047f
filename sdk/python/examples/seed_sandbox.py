# Configuring the execution sandbox
from openshell import SandboxConfig
sandbox = SandboxConfig(
    isolation="gvisor", # Options: gvisor, firecracker, container
    max_memory_mb=2048,
    max_cpu_cores=2,
    max_execution_time_seconds=300,
    max_processes=50,
    max_open_files=100,
    allow_network=True, # Controlled by network guardian
    allow_filesystem=True, # Controlled by filesystem controller
    environment={
        "LANG": "en_US.UTF-8",
        "TZ": "UTC",
    },
    # Resource cleanup after session ends
    cleanup_policy="destroy", # Options: destroy, snapshot, preserve
)
