target_sources(osh_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/request.cpp ${CMAKE_CURRENT_LIST_DIR}/request.h
    ${CMAKE_CURRENT_LIST_DIR}/decision.cpp ${CMAKE_CURRENT_LIST_DIR}/decision.h
    ${CMAKE_CURRENT_LIST_DIR}/sessionstate.cpp ${CMAKE_CURRENT_LIST_DIR}/sessionstate.h
    ${CMAKE_CURRENT_LIST_DIR}/networklayer.cpp ${CMAKE_CURRENT_LIST_DIR}/networklayer.h
    ${CMAKE_CURRENT_LIST_DIR}/filesystemlayer.cpp ${CMAKE_CURRENT_LIST_DIR}/filesystemlayer.h
    ${CMAKE_CURRENT_LIST_DIR}/decisionengine.cpp ${CMAKE_CURRENT_LIST_DIR}/decisionengine.h
)
