target_sources(osh_runtime PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/sessionid.cpp ${CMAKE_CURRENT_LIST_DIR}/sessionid.h
    ${CMAKE_CURRENT_LIST_DIR}/workspaceguard.cpp ${CMAKE_CURRENT_LIST_DIR}/workspaceguard.h
)
