# The Debian package, built with CPack:
#   cpack --config build/dev/CPackConfig.cmake -B build/dev/package
# gives openshell-studio_VERSION_amd64.deb with the executables (usr/bin),
# the sandbox helpers (usr/libexec/openshell), the service's systemd units,
# the desktop file and icon, the demo workspace and the API documents. The
# German translation is compiled into the studio. Library dependencies come
# from dpkg-shlibdeps; the tools the runtime runs are declared below.
# scripts/package-test.sh installs the package into a clean Debian 12 root
# and runs it there.
install(FILES ${PROJECT_SOURCE_DIR}/resources/desktop/openshell-studio.desktop
        DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/app.svg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps RENAME openshell-studio.svg)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples/customer-support
        DESTINATION ${CMAKE_INSTALL_DATADIR}/openshell/examples
        PATTERN "__pycache__" EXCLUDE)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/policy-format.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME openshell-studio)
set(CPACK_PACKAGE_VENDOR "OpenShell Studio")
set(CPACK_PACKAGE_CONTACT "OpenShell Studio maintainers <maintainers@openshell.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Studio and local runtime that secure autonomous AI agents")
set(CPACK_PACKAGE_DESCRIPTION
    "Author runtime policies for agent sandboxes, run agents under them on this\n machine (gVisor, crun or a microVM), inspect what leaves through the\n network guardian, and replay recorded sessions. Includes the studio, osctl,\n and the openshelld service with its systemd units.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The sandboxes: gVisor's runsc (the default) or crun, with a static busybox
# for the sandbox's /bin; python3 runs the bundled demo agent and its tools,
# and openssl makes the certificates of the demo's stand-in services.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "runsc | crun, busybox-static, python3, openssl")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "runsc")
# The microVM isolation mode (QEMU with virtiofsd).
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "qemu-system-x86")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/resources/debian/postinst ${PROJECT_SOURCE_DIR}/resources/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Only what install() names above and in the executables' folders; never
# the test suite, benchmarks or the build tree.
set(CPACK_INSTALL_CMAKE_PROJECTS "${PROJECT_BINARY_DIR};${PROJECT_NAME};ALL;/")
include(CPack)
