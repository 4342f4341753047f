# Widget and editor tests (offscreen).
foreach(t tst_simulatorpage tst_policytestspage tst_policyeditor tst_launcherpage tst_approvalspanel tst_mainwindow)
    osh_add_test(NAME ${t} SOURCES ${CMAKE_CURRENT_LIST_DIR}/${t}.cpp LIBS osh_ui GUI)
endforeach()
osh_add_test(NAME tst_completioncontext SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_completioncontext.cpp LIBS osh_ui)
# Binds the demo's stand-in services (127.0.0.2-4:443/587), as tst_osctl_run does.
set_tests_properties(tst_launcherpage PROPERTIES RESOURCE_LOCK demo-services)
# The launcher, approvals and replay through a real openshelld as uid 65534:
# needs root (the service), gVisor and setpriv; reuses tests/service's fixture.
if(OSH_BUILD_RUNTIME)
    osh_add_test(NAME tst_launcherservice SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_launcherservice.cpp LIBS osh_ui GUI)
    target_include_directories(tst_launcherservice PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../service)
    target_compile_definitions(tst_launcherservice PRIVATE OPENSHELLD_PATH="$<TARGET_FILE:openshelld>")
    add_dependencies(tst_launcherservice openshelld)
    set_tests_properties(tst_launcherservice PROPERTIES TIMEOUT 600 RUN_SERIAL TRUE)
endif()
