# The launcher: runs an agent under the policy, locally or through the
# service, with its live event stream (ui/launcher/).
target_sources(osh_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/launcherpage.cpp ${CMAKE_CURRENT_LIST_DIR}/launcherpage.h
    ${CMAKE_CURRENT_LIST_DIR}/eventstreammodel.cpp ${CMAKE_CURRENT_LIST_DIR}/eventstreammodel.h
)
