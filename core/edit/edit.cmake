target_sources(osh_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/yamlscalar.cpp ${CMAKE_CURRENT_LIST_DIR}/yamlscalar.h
    ${CMAKE_CURRENT_LIST_DIR}/policytexteditor.cpp ${CMAKE_CURRENT_LIST_DIR}/policytexteditor.h
    ${CMAKE_CURRENT_LIST_DIR}/policytextreads.cpp
)
