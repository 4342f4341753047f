# Widget and editor tests (offscreen).
foreach(t tst_simulatorpage tst_policytestspage tst_policyeditor tst_launcherpage tst_approvalspanel tst_mainwindow)
    osh_add_test(NAME ${t} SOURCES ${CMAKE_CURRENT_LIST_DIR}/${t}.cpp LIBS osh_ui GUI)
endforeach()
osh_add_test(NAME tst_completioncontext SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_completioncontext.cpp LIBS osh_ui)
# Binds the demo's stand-in services (127.0.0.2-4:443/587), as tst_osctl_run does.
set_tests_properties(tst_launcherpage PROPERTIES RESOURCE_LOCK demo-services)
