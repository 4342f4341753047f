target_sources(osh_runtime PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/sessionid.cpp ${CMAKE_CURRENT_LIST_DIR}/sessionid.h
)
