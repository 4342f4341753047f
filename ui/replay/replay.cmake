# The replay timeline: a recorded session on a zoomable timeline, its event
# table, details, what-if diff and JSON-lines export (ui/replay/).
target_sources(osh_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/timelinegeometry.cpp ${CMAKE_CURRENT_LIST_DIR}/timelinegeometry.h
    ${CMAKE_CURRENT_LIST_DIR}/timelinelanes.cpp ${CMAKE_CURRENT_LIST_DIR}/timelinelanes.h
    ${CMAKE_CURRENT_LIST_DIR}/timelineview.cpp ${CMAKE_CURRENT_LIST_DIR}/timelineview.h
    ${CMAKE_CURRENT_LIST_DIR}/replaymodel.cpp ${CMAKE_CURRENT_LIST_DIR}/replaymodel.h
    ${CMAKE_CURRENT_LIST_DIR}/replaypage.cpp ${CMAKE_CURRENT_LIST_DIR}/replaypage.h
    ${CMAKE_CURRENT_LIST_DIR}/replaypagelist.cpp
    ${CMAKE_CURRENT_LIST_DIR}/replaypagewhatif.cpp
    ${CMAKE_CURRENT_LIST_DIR}/replaypagedetails.cpp
)
