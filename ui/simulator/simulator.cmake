# The simulator: a request form or JSON, evaluated against the open policy
# with its decision trace (ui/simulator/).
target_sources(osh_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/simulatorpage.cpp ${CMAKE_CURRENT_LIST_DIR}/simulatorpage.h
    ${CMAKE_CURRENT_LIST_DIR}/requestform.cpp ${CMAKE_CURRENT_LIST_DIR}/requestform.h
)
