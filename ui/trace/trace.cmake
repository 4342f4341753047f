# How a decision is shown, shared by the simulator, the launcher and replay:
# the trace tree and its view, PII findings in words, decision colours (ui/trace/).
target_sources(osh_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/tracemodel.cpp ${CMAKE_CURRENT_LIST_DIR}/tracemodel.h
    ${CMAKE_CURRENT_LIST_DIR}/traceview.cpp ${CMAKE_CURRENT_LIST_DIR}/traceview.h
    ${CMAKE_CURRENT_LIST_DIR}/piifindingtext.cpp ${CMAKE_CURRENT_LIST_DIR}/piifindingtext.h
    ${CMAKE_CURRENT_LIST_DIR}/decisiontint.cpp ${CMAKE_CURRENT_LIST_DIR}/decisiontint.h
)
