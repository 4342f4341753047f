# The History dock (a policy file's commits, compare, restore, deploy tags)
# and the Commit… dialog, over core/vcs.
target_sources(osh_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/historymodel.cpp ${CMAKE_CURRENT_LIST_DIR}/historymodel.h
    ${CMAKE_CURRENT_LIST_DIR}/historypanel.cpp ${CMAKE_CURRENT_LIST_DIR}/historypanel.h
    ${CMAKE_CURRENT_LIST_DIR}/commitdialog.cpp ${CMAKE_CURRENT_LIST_DIR}/commitdialog.h
    ${CMAKE_CURRENT_LIST_DIR}/commitreview.cpp ${CMAKE_CURRENT_LIST_DIR}/commitreview.h
    ${CMAKE_CURRENT_LIST_DIR}/comparewindow.cpp ${CMAKE_CURRENT_LIST_DIR}/comparewindow.h
)
# The side-by-side and semantic diff widgets it shows are added by diffwidgets.cmake.
