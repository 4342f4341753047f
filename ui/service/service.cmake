# The studio as an unprivileged client of openshelld: the REST client and
# the records it returns (ui/service/).
target_sources(osh_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/serviceclient.cpp ${CMAKE_CURRENT_LIST_DIR}/serviceclient.h
    ${CMAKE_CURRENT_LIST_DIR}/servicerecords.cpp ${CMAKE_CURRENT_LIST_DIR}/servicerecords.h
)
