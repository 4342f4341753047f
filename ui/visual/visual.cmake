target_sources(osh_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/visualstate.cpp ${CMAKE_CURRENT_LIST_DIR}/visualstate.h
    ${CMAKE_CURRENT_LIST_DIR}/sequencemodel.cpp ${CMAKE_CURRENT_LIST_DIR}/sequencemodel.h
    ${CMAKE_CURRENT_LIST_DIR}/mapmodel.cpp ${CMAKE_CURRENT_LIST_DIR}/mapmodel.h
    ${CMAKE_CURRENT_LIST_DIR}/formbinder.cpp ${CMAKE_CURRENT_LIST_DIR}/formbinder.h
    ${CMAKE_CURRENT_LIST_DIR}/policyshadowing.cpp ${CMAKE_CURRENT_LIST_DIR}/policyshadowing.h
    ${CMAKE_CURRENT_LIST_DIR}/visualeditor.cpp ${CMAKE_CURRENT_LIST_DIR}/visualeditor.h
)
